"""requirements.txt/.in files: includes, continuations, options, and faults by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from thoth_graphql.client.requirements_file import ProjectFileError, read_requirements_file


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_requirements_constraints_and_includes(tmp_path: Path) -> None:
    write(tmp_path, "base/common.txt", "toolz>=0.10  # comment\n-c pins.txt\n")
    write(tmp_path, "base/pins.txt", "numpy<2\n-r more-pins.txt\n")
    write(tmp_path, "base/more-pins.txt", "toolz!=0.10.1\n")
    top = write(
        tmp_path,
        "requirements.in",
        "# the app\n"
        "--index-url https://pypi.org/simple\n"
        "-r base/common.txt\n"
        "dask[array] >= 2.9 ; \\\n"
        '    python_version >= "3.8"\n'
        "numpy==1.19.4 --hash=sha256:abc --hash=sha256:def\n"
        "pkg @ https://example.org/pkg.tar.gz#sha256=123\n",
    )
    found = read_requirements_file(top)
    assert found.requirements == [
        "toolz>=0.10",
        'dask[array] >= 2.9 ;     python_version >= "3.8"',
        "numpy==1.19.4",
        "pkg @ https://example.org/pkg.tar.gz#sha256=123",
    ]
    # Included by a constraints file, more-pins.txt holds constraints as well.
    assert found.constraints == ["numpy<2", "toolz!=0.10.1"]


def test_environment_variables_and_the_short_include(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASK_PIN", "2.10.1")
    write(tmp_path, "other.txt", "toolz\n")
    top = write(tmp_path, "r.txt", "dask==${DASK_PIN}\n-rother.txt\n")
    assert read_requirements_file(top).requirements == ["dask==2.10.1", "toolz"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("dask\n\nnumpy>=\n", 3, "'numpy>=' is not a PEP 508 requirement"),
        ("dask\n-e ./src\n", 2, "editable requirements cannot be locked"),
        ("--frobnicate\n", 1, "unknown option --frobnicate"),
        ("dask\n-r\n", 2, "-r needs a file name"),
        ("dask \\\n  >= 1 \\\n  oops\n", 1, "is not a PEP 508 requirement"),
    ],
)
def test_faults_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, "requirements.txt", text)
    with pytest.raises(ProjectFileError) as fault:
        read_requirements_file(path)
    assert fault.value.path == path
    assert fault.value.line == line
    assert message in fault.value.message
    assert str(fault.value).startswith(f"{path}:{line}: ")


def test_a_fault_in_an_included_file_names_that_file(tmp_path: Path) -> None:
    write(tmp_path, "inner.txt", "ok\nbad===\n")
    top = write(tmp_path, "requirements.in", "dask\n-r inner.txt\n")
    with pytest.raises(ProjectFileError) as fault:
        read_requirements_file(top)
    assert (fault.value.path, fault.value.line) == (tmp_path / "inner.txt", 2)


def test_a_missing_include_names_the_including_line(tmp_path: Path) -> None:
    top = write(tmp_path, "requirements.in", "dask\n\n-r gone.txt\n")
    with pytest.raises(ProjectFileError) as fault:
        read_requirements_file(top)
    assert (fault.value.path, fault.value.line) == (top, 3)
    assert "-r gone.txt: no such file" in fault.value.message


def test_an_include_cycle_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "dask\n-r b.txt\n")
    write(tmp_path, "b.txt", "-r a.txt\n")
    with pytest.raises(ProjectFileError, match="includes itself"):
        read_requirements_file(tmp_path / "a.txt")
