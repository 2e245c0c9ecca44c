"""The graph store: its port (store/port/, one protocol per facet) and its adapters, each a
package of one client and one module per facet (store/sqlite/, store/janusgraph/)."""
