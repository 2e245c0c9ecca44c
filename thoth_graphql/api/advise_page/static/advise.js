// The advise page: asks the public GraphQL API for a stack, shows it with its
// justifications (or why there is none) and draws its dependency graph with cytoscape.
'use strict';

const ADVISE = `query Advise($input: AdviseInput!) {
  advise(input: $input) {
    optimal
    unresolved
    unsatisfiable { message conflicts packages }
    stacks {
      packages { name version }
      justifications { package version kind message }
      lockfile
    }
  }
}`;

// The server refuses documents with more than 30 aliases; one alias asks for one package.
const PACKAGES_PER_QUERY = 25;
// The picture: one column per layer of dependencies, one row per package of a layer.
const ROW_HEIGHT = 46;
const COLUMN_GAP = 90;
const NODE_HEIGHT = 36;
const GRAPH_PADDING = 24;
const MAX_GRAPH_HEIGHT = 1200;
// Extras a dependency asks for can activate further dependencies, which can ask for more
// extras: the edges are asked again until nothing new is asked for, a few rounds at most.
const EXTRA_ROUNDS = 5;

const graphqlUrl = document.body.dataset.graphql;
const form = document.getElementById('advise-form');
const answer = document.getElementById('answer');
const status = document.getElementById('status');
let drawn = null; // the cytoscape instance of the last answer

class GraphQLErrors extends Error {
  constructor(errors) {
    super(
      errors
        .map((e) => {
          const field = e.extensions?.field;
          return field && !e.message.includes(field) ? `${field}: ${e.message}` : e.message;
        })
        .join('\n'),
    );
  }
}

async function graphql(query, variables) {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json;q=0.9',
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`The server answered ${response.status}: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw new GraphQLErrors(body.errors);
  return body.data;
}

// PEP 503: how the graph names packages.
function canonical(name) {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

// The package name and extras a PEP 508 requirement starts with; the server checks the rest.
function requirementRoot(requirement) {
  const found = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?/.exec(
    requirement,
  );
  if (!found) return null;
  const extras = (found[2] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return { name: canonical(found[1]), extras };
}

function readForm() {
  const requirements = document
    .getElementById('requirements')
    .value.split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  return {
    requirements,
    runtimeEnvironment: {
      pythonVersion: document.getElementById('python-version').value,
      platform: document.getElementById('platform').value,
    },
    recommendationType: document.getElementById('recommendation-type').value,
  };
}

function element(tag, text, className) {
  const made = document.createElement(tag);
  if (text !== undefined) made.textContent = text;
  if (className) made.className = className;
  return made;
}

function show(state, message) {
  answer.dataset.state = state;
  status.textContent = message;
}

function reset() {
  drawn?.destroy();
  drawn = null;
  for (const id of ['problem', 'stack']) document.getElementById(id).hidden = true;
  for (const id of ['conflicts', 'unresolved', 'edges']) {
    document.getElementById(id).replaceChildren();
  }
  document.querySelector('#packages tbody').replaceChildren();
}

function showProblem(title, message, conflicts, unresolved) {
  document.getElementById('problem-title').textContent = title;
  document.getElementById('problem-message').textContent = message;
  document.getElementById('conflicts').replaceChildren(...conflicts.map((c) => element('li', c)));
  document
    .getElementById('unresolved')
    .replaceChildren(...unresolved.map((u) => element('li', u)));
  document.getElementById('problem').hidden = false;
}

// The dependency edges among the stack's packages: what each chosen release declares, with
// markers evaluated for the environment and the extras asked of it active.
async function stackEdges(stack, roots, environment) {
  const versions = new Map(stack.packages.map((p) => [p.name, p.version]));
  const wanted = new Map([...versions.keys()].map((name) => [name, new Set()]));
  for (const root of roots) {
    for (const extra of root.extras) wanted.get(root.name)?.add(extra);
  }
  const asked = new Map(); // package -> the extras its edges were last asked with
  const edges = new Map(); // "from->to" -> {from, to, extras: Set}
  for (let round = 0; round < EXTRA_ROUNDS; round += 1) {
    const due = [...wanted.keys()].filter(
      (name) => !asked.has(name) || asked.get(name).size !== wanted.get(name).size,
    );
    if (!due.length) break;
    for (let start = 0; start < due.length; start += PACKAGES_PER_QUERY) {
      const batch = due.slice(start, start + PACKAGES_PER_QUERY);
      const data = await graphql(dependenciesQuery(batch.length), {
        env: environment,
        ...Object.fromEntries(
          batch.flatMap((name, i) => [
            [`n${i}`, name],
            [`v${i}`, `==${versions.get(name)}`],
            [`e${i}`, [...wanted.get(name)]],
          ]),
        ),
      });
      batch.forEach((name, i) => {
        asked.set(name, new Set(wanted.get(name)));
        const release = data[`p${i}`]?.versions.edges[0]?.node;
        for (const dependency of release?.dependencies ?? []) {
          if (!versions.has(dependency.name)) continue;
          const key = `${name}->${dependency.name}`;
          const edge = edges.get(key) ?? { from: name, to: dependency.name, extras: new Set() };
          if (dependency.extra) edge.extras.add(dependency.extra);
          edges.set(key, edge);
          for (const extra of dependency.extras) wanted.get(dependency.name).add(extra);
        }
      });
    }
  }
  return [...edges.values()];
}

function dependenciesQuery(count) {
  const variables = ['$env: RuntimeEnvironmentInput'];
  const fields = [];
  for (let i = 0; i < count; i += 1) {
    variables.push(`$n${i}: String!`, `$v${i}: String`, `$e${i}: [String!]`);
    fields.push(
      `  p${i}: package(name: $n${i}) { versions(specifier: $v${i}, first: 1) { edges { node {` +
        ` dependencies(environment: $env, extras: $e${i}) { name extras extra } } } } }`,
    );
  }
  return `query StackDependencies(${variables.join(', ')}) {\n${fields.join('\n')}\n}`;
}

function showStack(stack, roots) {
  const rootNames = new Set(roots.map((r) => r.name));
  const why = new Map(stack.justifications.map((j) => [j.package, j]));
  const rows = stack.packages.map((p) => {
    const row = element('tr', undefined, rootNames.has(p.name) ? 'root' : 'dependency');
    const justification = why.get(p.name);
    const reason = element('td');
    if (justification) {
      reason.append(
        element('span', justification.kind.toLowerCase().replace(/_/g, ' '), 'kind'),
        ` ${justification.message}`,
      );
    }
    row.append(element('td', p.name, 'name'), element('td', p.version, 'version'), reason);
    return row;
  });
  document.querySelector('#packages tbody').replaceChildren(...rows);
  document.getElementById('lockfile').textContent = stack.lockfile;
  document.getElementById('stack').hidden = false;
}

// Positions for a left-to-right layered drawing: a package's column is the longest chain of
// requirements from the roots to it, so everything it needs is to its right; a column's
// packages are ordered by where those that need them sit, to keep crossings few.
// (cytoscape's breadthfirst layout spaces every node by the widest label in both
// directions, which makes a stack with long package names unreadably small.)
function layers(packages, edges, rootNames) {
  const names = packages.map((p) => p.name);
  const depth = new Map(names.map((n) => [n, 0]));
  // Relaxing at most once per package ends even if releases depend on each other in a cycle.
  for (let round = 0; round < names.length; round += 1) {
    let changed = false;
    for (const e of edges) {
      const deeper = depth.get(e.from) + 1;
      if (deeper > depth.get(e.to) && deeper < names.length) {
        depth.set(e.to, deeper);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const columns = [];
  for (const name of names) (columns[depth.get(name)] ??= []).push(name);
  const row = new Map();
  const neededBy = new Map(names.map((n) => [n, []]));
  for (const e of edges) neededBy.get(e.to).push(e.from);
  const columnList = columns.filter(Boolean);
  columnList.forEach((column, index) => {
    const weight = (name) => {
      if (index === 0) return rootNames.has(name) ? 0 : 1;
      const above = neededBy.get(name).filter((n) => row.has(n));
      return above.length ? above.reduce((sum, n) => sum + row.get(n), 0) / above.length : 0;
    };
    column.sort((a, b) => weight(a) - weight(b) || a.localeCompare(b));
    column.forEach((name, i) => row.set(name, i));
  });
  const tallest = Math.max(...columnList.map((c) => c.length));
  const width = new Map(packages.map((p) => [p.name, nodeWidth(p)]));
  const positions = new Map();
  let x = 0;
  for (const column of columnList) {
    const columnWidth = Math.max(...column.map((name) => width.get(name)));
    const top = ((tallest - column.length) * ROW_HEIGHT) / 2;
    column.forEach((name, i) => {
      positions.set(name, { x: x + columnWidth / 2, y: top + i * ROW_HEIGHT });
    });
    x += columnWidth + COLUMN_GAP;
  }
  return { positions, tallest };
}

function nodeWidth(release) {
  return Math.max(release.name.length, release.version.length) * 7.5 + 24;
}

function drawGraph(stack, roots, edges) {
  const rootNames = new Set(roots.map((r) => r.name));
  const container = document.getElementById('graph');
  const { positions, tallest } = layers(stack.packages, edges, rootNames);
  // Tall enough that the widest layer is drawn at full size, up to a limit.
  const height = Math.min(MAX_GRAPH_HEIGHT, tallest * ROW_HEIGHT + 2 * GRAPH_PADDING + 20);
  container.style.height = `${Math.max(200, height)}px`;
  const nodes = stack.packages.map((p) => ({
    group: 'nodes',
    data: { id: p.name, label: `${p.name}\n${p.version}`, width: nodeWidth(p) },
    position: positions.get(p.name),
    classes: rootNames.has(p.name) ? 'root' : 'dependency',
  }));
  const links = edges.map((e) => ({
    group: 'edges',
    data: {
      id: `${e.from}->${e.to}`,
      source: e.from,
      target: e.to,
      label: [...e.extras].map((x) => `[${x}]`).join(' '),
    },
  }));
  drawn = cytoscape({
    container,
    elements: [...nodes, ...links],
    style: [
      {
        selector: 'node',
        style: {
          shape: 'round-rectangle',
          'background-color': '#5f8f3e',
          label: 'data(label)',
          color: '#fff',
          'font-size': 12,
          'font-family': 'DejaVu Sans, system-ui, sans-serif',
          'text-wrap': 'wrap',
          'text-valign': 'center',
          'text-halign': 'center',
          width: 'data(width)',
          height: NODE_HEIGHT,
        },
      },
      { selector: 'node.root', style: { 'background-color': '#2856a3' } },
      {
        selector: 'edge',
        style: {
          width: 1.5,
          'curve-style': 'bezier',
          'line-color': '#8c97a8',
          'target-arrow-color': '#8c97a8',
          'target-arrow-shape': 'triangle',
          label: 'data(label)',
          'font-size': 10,
          color: '#2856a3',
          'text-background-color': '#fff',
          'text-background-opacity': 1,
          'text-background-padding': 2,
        },
      },
    ],
    layout: { name: 'preset', fit: true, padding: GRAPH_PADDING },
    minZoom: 0.2,
    // A stack of three is not blown up to fill the box.
    maxZoom: 1.25,
    wheelSensitivity: 0.3,
  });
  container.dataset.nodes = String(drawn.nodes().length);
  container.dataset.edges = String(drawn.edges().length);
  const text = edges.map((e) => {
    const from = stack.packages.find((p) => p.name === e.from);
    const to = stack.packages.find((p) => p.name === e.to);
    const extras = [...e.extras].map((x) => ` [${x}]`).join('');
    return element('li', `${from.name} ${from.version} → ${to.name} ${to.version}${extras}`);
  });
  document.getElementById('edges').replaceChildren(...text);
}

async function advise(event) {
  event.preventDefault();
  const input = readForm();
  reset();
  if (!input.requirements.length) {
    show('error', 'Type at least one requirement, e.g. dask[array].');
    return;
  }
  const button = document.getElementById('advise');
  button.disabled = true;
  show('loading', 'Asking for the best stack…');
  const started = performance.now();
  try {
    const { advise: result } = await graphql(ADVISE, { input });
    const roots = input.requirements.map(requirementRoot).filter(Boolean);
    const [stack] = result.stacks;
    if (!stack) {
      const unsatisfiable = result.unsatisfiable;
      if (unsatisfiable) {
        showProblem('No stack exists', unsatisfiable.message, unsatisfiable.conflicts, []);
        show('unsatisfiable', 'No stack satisfies these requirements here; the conflict:');
      } else if (result.unresolved.length) {
        showProblem(
          'Unknown packages',
          'The graph knows nothing about these yet, so no stack can be locked:',
          [],
          result.unresolved,
        );
        show('unresolved', 'Some requirements name packages the graph does not know.');
      } else {
        show('error', 'No stack was found within the time limit; try again.');
      }
      return;
    }
    showStack(stack, roots);
    const edges = await stackEdges(stack, roots, input.runtimeEnvironment);
    drawGraph(stack, roots, edges);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const proof = result.optimal ? 'proven the best' : 'the best found in the time limit';
    show(
      'stack',
      `${stack.packages.length} packages for Python ${input.runtimeEnvironment.pythonVersion} ` +
        `on ${input.runtimeEnvironment.platform}, ${proof} for ${input.recommendationType} ` +
        `(${seconds} s).`,
    );
  } catch (error) {
    show('error', error.message);
  } finally {
    button.disabled = false;
  }
}

form.addEventListener('submit', advise);
