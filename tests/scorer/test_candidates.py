"""Python semantics of candidates: markers, requires-python, yanked, pre-releases, extras."""

from __future__ import annotations

from bench.universe import release, stack_problems
from thoth_graphql.domain import RuntimeEnvironment
from thoth_graphql.scorer import AdviseRequest, AdviseResult, Snapshot, recommend

PY311_LINUX = RuntimeEnvironment(python_version="3.11", platform="linux_x86_64")
PY38_WINDOWS = RuntimeEnvironment(python_version="3.8", platform="win_amd64")


def versions(result: AdviseResult) -> dict[str, str]:
    [stack] = result.stacks
    return {p.name: p.version for p in stack.packages}


def test_markers_follow_the_runtime_environment() -> None:
    snapshot = Snapshot.from_releases(
        [
            release(
                "app",
                "1.0",
                "typing-extensions; python_version < '3.9'",
                "pywin32; sys_platform == 'win32'",
                "uvloop; platform_system == 'Linux'",
            ),
            release("typing-extensions", "4.0"),
            release("pywin32", "300"),
            release("uvloop", "0.17"),
        ]
    )
    linux = recommend(snapshot, AdviseRequest(("app",), environment=PY311_LINUX))
    windows = recommend(snapshot, AdviseRequest(("app",), environment=PY38_WINDOWS))
    assert set(versions(linux)) == {"app", "uvloop"}
    assert set(versions(windows)) == {"app", "typing-extensions", "pywin32"}


def test_requires_python_filters_versions() -> None:
    snapshot = Snapshot.from_releases(
        [release("lib", "2.0", requires_python=">=3.10"), release("lib", "1.0")]
    )
    assert versions(recommend(snapshot, AdviseRequest(("lib",), environment=PY311_LINUX))) == {
        "lib": "2.0"
    }
    assert versions(recommend(snapshot, AdviseRequest(("lib",), environment=PY38_WINDOWS))) == {
        "lib": "1.0"
    }


def test_yanked_only_when_pinned_exactly() -> None:
    snapshot = Snapshot.from_releases([release("lib", "2.0", yanked=True), release("lib", "1.0")])
    assert versions(recommend(snapshot, AdviseRequest(("lib",)))) == {"lib": "1.0"}
    pinned = recommend(snapshot, AdviseRequest(("lib==2.0",)))
    assert versions(pinned) == {"lib": "2.0"}
    assert pinned.stacks[0].packages[0].yanked


def test_yanked_only_is_unsatisfiable_without_a_pin() -> None:
    snapshot = Snapshot.from_releases([release("lib", "2.0", yanked=True), release("lib", "1.0")])
    result = recommend(snapshot, AdviseRequest(("lib>=1.5",)))
    assert result.stacks == () and result.unsatisfiable is not None
    assert result.unsatisfiable.packages == ("lib",)
    assert result.unsatisfiable.conflicts == ("lib>=1.5: only yanked releases match",)


def test_pre_releases_only_when_named_or_nothing_else_fits() -> None:
    snapshot = Snapshot.from_releases(
        [release("lib", "3.0b1"), release("lib", "2.0"), release("solo", "1.0rc1")]
    )
    assert versions(recommend(snapshot, AdviseRequest(("lib",)))) == {"lib": "2.0"}
    assert versions(recommend(snapshot, AdviseRequest(("lib>=3.0b1",)))) == {"lib": "3.0b1"}
    assert versions(recommend(snapshot, AdviseRequest(("lib>2.0",)))) == {"lib": "3.0b1"}
    assert versions(recommend(snapshot, AdviseRequest(("solo",)))) == {"solo": "1.0rc1"}


def test_a_pre_release_is_kept_only_when_the_whole_stack_excludes_every_final() -> None:
    # `top` is decided before `lib`'s later requirer narrows it; the pre-release chosen
    # first must be dropped because a final release fits every requirement in the end.
    snapshot = Snapshot.from_releases(
        [
            release("top", "1.0", "lib", "mid"),
            release("mid", "1.0", "lib<3"),
            release("lib", "3.0b1"),
            release("lib", "2.0"),
        ]
    )
    result = recommend(snapshot, AdviseRequest(("top",)))
    assert versions(result)["lib"] == "2.0"
    assert stack_problems(snapshot, ("top",), result.stacks[0]) == []


def test_constraints_limit_but_do_not_add() -> None:
    snapshot = Snapshot.from_releases(
        [
            release("app", "1.0", "lib"),
            release("lib", "2.0"),
            release("lib", "1.0"),
            release("other", "1.0"),
        ]
    )
    result = recommend(snapshot, AdviseRequest(("app",), constraints=("lib<2", "other==1.0")))
    assert versions(result) == {"app": "1.0", "lib": "1.0"}
    assert stack_problems(snapshot, ("app",), result.stacks[0], constraints=("lib<2",)) == []


def test_the_same_package_with_different_extras_gets_both() -> None:
    snapshot = Snapshot.from_releases(
        [
            release("a", "1.0", "x; extra == 'one'", "y; extra == 'two'"),
            release("x", "1.0"),
            release("y", "1.0"),
            release("b", "1.0", "a[two]"),
        ]
    )
    result = recommend(snapshot, AdviseRequest(("a[one]", "b")))
    assert versions(result) == {"a": "1.0", "b": "1.0", "x": "1.0", "y": "1.0"}
    locked = {p.name: p.extras for p in result.stacks[0].packages}
    assert locked["a"] == ("one", "two")


def test_unknown_packages_are_unresolved_not_dropped() -> None:
    snapshot = Snapshot.from_releases([release("a", "1.0")])
    result = recommend(snapshot, AdviseRequest(("a", "nope>=1", "not a requirement!")))
    assert result.stacks == ()
    assert any(u.startswith("nope:") for u in result.unresolved)
    assert any("not a PEP 508" in u for u in result.unresolved)


def test_a_version_clash_is_explained_by_both_chains() -> None:
    snapshot = Snapshot.from_releases(
        [
            release("six", "1.11"),
            release("six", "1.12"),
            release("venv", "20.0", "six>=1.12"),
            release("unrelated", "1.0"),
        ]
    )
    result = recommend(snapshot, AdviseRequest(("six<1.12", "venv>=20", "unrelated")))
    assert result.unsatisfiable is not None
    assert result.unsatisfiable.packages == ("six",)
    conflicts = result.unsatisfiable.conflicts
    assert "six<1.12" in conflicts
    assert any(c.startswith("venv>=20 -> six>=1.12 (venv==20.0)") for c in conflicts)
    assert not any("unrelated" in c for c in conflicts)
