"""`-o FILE` (cli.write_output): written whole or not at all, never replacing what is not a
file, never the input, no temporary file left behind.  Device nodes and FIFOs here are
private ones made in a temporary folder, never the system's."""
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import refused
from tracer.cli import main

ROOT = Path(__file__).resolve().parent.parent
OR = (ROOT / "worked_examples/or_gate/problem.yaml").read_text()


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yaml").write_text(OR)
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def worksheet():
    r = invoke("p.yaml", "--format", "json")
    assert r.exit_code == 0
    return r.output


def test_empty_output_name(here):
    refused(invoke("p.yaml", "-o", ""), "-o: an empty file name")
    assert sorted(os.listdir(here)) == ["p.yaml"]


def test_the_input_file_is_never_the_output(here):
    refused(invoke("p.yaml", "-o", "p.yaml"), "p.yaml: is the input file p.yaml")
    os.symlink("p.yaml", "same.yaml")
    os.link("p.yaml", "hard.yaml")
    refused(invoke("p.yaml", "-o", "same.yaml", "--format", "pdf"), "is the input file")
    refused(invoke("p.yaml", "-o", "hard.yaml", "--format", "json"), "is the input file")
    answers = here / "a.yaml"
    answers.write_text("J: 0.09\n")
    refused(invoke("check", "p.yaml", answers, "-o", answers), "is the input file")
    assert (here / "p.yaml").read_text() == OR and answers.read_text() == "J: 0.09\n"
    assert sorted(os.listdir(here)) == ["a.yaml", "hard.yaml", "p.yaml", "same.yaml"]   # no figure either


def test_a_symlink_is_followed_not_replaced(here):
    (here / "real.json").write_text("old")
    os.chmod(here / "real.json", 0o640)
    os.symlink("real.json", "link.json")
    assert invoke("p.yaml", "--format", "json", "-o", "link.json").exit_code == 0
    assert os.path.islink("link.json") and os.readlink("link.json") == "real.json"
    assert (here / "real.json").read_text() == worksheet()
    assert stat.S_IMODE(os.stat("real.json").st_mode) == 0o640       # its permissions kept


def test_a_dangling_symlink_names_where_it_points(here):
    os.symlink("nowhere/x.md", "dangling.md")
    refused(invoke("p.yaml", "-o", "dangling.md"), "the folder", "nowhere does not exist", "it links to")


def test_a_symlink_loop(here):
    os.symlink("b", "a")
    os.symlink("a", "b")
    refused(invoke("p.yaml", "-o", "a"), "a: cannot be written", "symbolic links")


def reader_of(path, out):
    def read():
        with open(path, "rb") as f:
            out.append(f.read())
    t = threading.Thread(target=read, daemon=True)
    t.start()
    return t


def test_a_fifo_is_written_into_and_stays_a_fifo(here):
    os.mkfifo("pipe")
    got = []
    t = reader_of("pipe", got)
    time.sleep(0.2)                      # the reader opens its end (opening waits for a writer)
    assert invoke("p.yaml", "--format", "json", "-o", "pipe").exit_code == 0
    t.join(10)
    assert got == [worksheet().encode()]
    assert stat.S_ISFIFO(os.stat("pipe").st_mode)
    assert sorted(os.listdir(here)) == ["p.yaml", "pipe"]


def test_a_fifo_nobody_reads_is_refused_at_once(here):
    os.mkfifo("pipe")
    refused(invoke("p.yaml", "-o", "pipe"), "pipe: a FIFO that no process is reading")
    assert stat.S_ISFIFO(os.stat("pipe").st_mode)


def private_null(path):
    """A character device like /dev/null (1, 3), made here; needs root (CAP_MKNOD)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root (CI runs as root)")


def test_a_device_node_is_written_into_never_replaced(here):
    private_null("null")
    before = os.stat("null")
    for fmt in ("json", "markdown", "pdf") if shutil.which("pdflatex") else ("json", "markdown"):
        r = invoke("p.yaml", "--format", fmt, "-o", "null")
        assert r.exit_code == 0, r.output
        after = os.stat("null")
        assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
    assert sorted(os.listdir(here)) == ["null", "p.yaml"]      # no stray figure beside a device


def test_dev_stdout_streams_to_the_shells_file(here):
    with open("out.md", "wb") as f:
        f.write(b"kept\n")
        f.flush()
        r = subprocess.run([sys.executable, "-m", "tracer.cli", "p.yaml", "--format", "json",
                            "-o", "/dev/stdout"], stdout=f, cwd=here, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0
    assert (here / "out.md").read_text() == "kept\n" + worksheet()    # appended, as `>>` asks


def test_a_socket_or_a_folder_is_refused(here):
    import socket
    s = socket.socket(socket.AF_UNIX)
    s.bind("sock")
    try:
        refused(invoke("p.yaml", "-o", "sock"), "sock: is not a regular file")
    finally:
        s.close()
    os.mkdir("d")
    r = invoke("p.yaml", "-o", "d")                     # click's own check: a usage error
    assert r.exit_code == 2 and "is a directory" in r.output
    from tracer.cli import InputError, write_output
    with pytest.raises(InputError, match="d: is a folder"):
        write_output("text", "d")
    assert os.path.isdir("d")


def test_a_folder_where_no_file_can_be_made(here, monkeypatch):
    import tempfile

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    refused(invoke("p.yaml", "--format", "json", "-o", "out.json"),
            "out.json: no file can be made in the folder", "(permission denied)")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="Linux's /proc")
def test_a_real_folder_where_no_file_can_be_made(here):
    # /proc takes no new files, even from root
    refused(invoke("p.yaml", "--format", "json", "-o", "/proc/trace-net-test.json"),
            "no file can be made in the folder /proc")


def test_a_missing_folder(here):
    refused(invoke("p.yaml", "-o", "nofolder/x.md"), "nofolder/x.md: the folder nofolder does not exist")


def test_a_run_killed_while_writing_leaves_a_temporary_that_the_next_run_removes(here):
    """A real run, killed (SIGKILL) while its temporary file exists; the next run removes it."""
    code = ("import os, sys, tempfile, time\n"
            "real = tempfile.mkstemp\n"
            "def slow(*a, **k):\n"
            "    fd, path = real(*a, **k)\n"
            "    os.write(fd, b'half')\n"
            "    print(path, flush=True)\n"
            "    time.sleep(120)\n"
            "tempfile.mkstemp = slow\n"
            "from tracer.cli import main\n"
            "main(sys.argv[1:], prog_name='trace-net')\n")
    p = subprocess.Popen([sys.executable, "-c", code, "p.yaml", "--format", "json", "-o", "sheet.json"],
                         cwd=here, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        tmp = Path(p.stdout.readline().strip())
        assert tmp.parent == here and tmp.read_bytes() == b"half"
    finally:
        p.kill()
        p.wait()
    assert tmp.exists() and not (here / "sheet.json").exists()
    # a writer that is still running keeps its own temporary file
    mine = here / f".sheet.json.{os.getpid()}.x1y2z3.trace-net-tmp"
    mine.write_text("being written")
    assert invoke("p.yaml", "--format", "json", "-o", "sheet.json").exit_code == 0
    assert not tmp.exists() and mine.exists()
    assert (here / "sheet.json").read_text() == worksheet()


def test_a_failed_write_leaves_the_old_file_whole(here, monkeypatch):
    (here / "sheet.json").write_text("the old sheet")
    real_replace = os.replace

    def full_disk(*a):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full_disk)
    refused(invoke("p.yaml", "--format", "json", "-o", "sheet.json"), "sheet.json: cannot be written",
            "no space left on device")
    monkeypatch.setattr(os, "replace", real_replace)
    assert (here / "sheet.json").read_text() == "the old sheet"
    assert sorted(os.listdir(here)) == ["p.yaml", "sheet.json"]


def test_a_new_file_gets_the_usual_mode(here):
    old = os.umask(0o022)
    try:
        assert invoke("p.yaml", "--format", "json", "-o", "new.json").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat("new.json").st_mode) == 0o644
