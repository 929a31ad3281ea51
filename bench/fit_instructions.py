"""What `helpers.fit` costs over the hand-written loop, counted in machine instructions, not seconds.

    python bench/fit_instructions.py [--workload mlp|digits] [--epochs 2] [--whole]

On a shared virtual machine one epoch's time varies by 10-15% (bench/fit_overhead.py), so a cost of 1%
is hard to see in seconds. The instructions a run executes do not depend on what else the machine does:
this script runs itself under valgrind's callgrind (`valgrind` and a C compiler are needed, not the
course), counts the instructions of whole epochs of the hand-written loop, of `fit` with `watch=False`
and of `fit` with its defaults (the mistake doctor watching), and prints them per epoch with their ratio
to the hand loop. Everything else (imports, building the model, a first warm-up epoch of each runner)
runs without counting. Under callgrind a program runs about 50 times slower: the MLP takes about ten
minutes. Instructions are not time (a cache miss costs more than an addition), but Python's overhead is
instructions, so this is the overhead the loop adds, without the machine's noise. Not run by the tests.

`--whole` counts whole short runs instead (issue 20): each runner trains a fresh model for `--epochs` epochs
from its first step, everything `fit` does included (its checks of the arguments and the loaders, entering the
mistake doctor, the doctor's warm-up, where it looks at every step's loss until the first validation, and its
dynamics samples on the first steps). Each runner first makes one uncounted run of one epoch on other fresh
objects, so Python's own warm-up (specialising its bytecode) is not counted either. This is what a lesson's
`fit(..., epochs=2)` costs beyond the same two epochs written by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# callgrind's client requests (valgrind/callgrind.h) are macros, so a tiny C library makes them callable.
CONTROL_SOURCE = """#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void cg_zero(void) { CALLGRIND_ZERO_STATS; }
void cg_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""
RUNNERS = ("hand-written loop", "helpers.fit, watch off", "helpers.fit (mistake doctor watching, default)")


def build_control(folder: Path) -> Path:
    """Compile the client-request library into `folder`; returns its path."""
    (folder / "cgctl.c").write_text(CONTROL_SOURCE)
    library = folder / "libcgctl.so"
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", str(library), str(folder / "cgctl.c")], check=True)
    return library


def count(workload: str, epochs: int, library: Path, whole: bool = False) -> None:
    """Inside valgrind: run each runner once uncounted, then `epochs` counted epochs, one dump per runner."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import torch
    from fit_overhead import fresh, hand_loop
    from torch import nn

    import helpers

    torch.set_num_threads(1)
    control = ctypes.CDLL(str(library))
    device = torch.device("cpu")

    def pieces():
        return *fresh(workload, device), nn.CrossEntropyLoss()

    def hand(name: str) -> None:
        model, train_loader, val_loader, optimizer, criterion = pieces()
        hand_loop(model, train_loader, val_loader, optimizer, criterion, device, 1)  # warm-up, not counted
        control.cg_zero()
        hand_loop(model, train_loader, val_loader, optimizer, criterion, device, epochs)
        control.cg_dump(name.encode())

    def fit(name: str, watch: bool) -> None:
        model, train_loader, val_loader, optimizer, criterion = pieces()

        def on_epoch(row):
            if row["epoch"] == 1:  # the first epoch warms up; count from here on
                control.cg_zero()
            elif row["epoch"] == epochs + 1:
                control.cg_dump(name.encode())

        helpers.fit(model, train_loader, val_loader, epochs=epochs + 1, optimizer=optimizer, criterion=criterion,
                    device=device, amp=False, log_interval=None, progress=False, watch=watch, on_epoch=on_epoch)

    def hand_whole(name: str) -> None:
        hand_loop(*pieces(), device, 1)  # Python's warm-up, on other objects: not counted
        model, train_loader, val_loader, optimizer, criterion = pieces()
        control.cg_zero()
        hand_loop(model, train_loader, val_loader, optimizer, criterion, device, epochs)
        control.cg_dump(name.encode())

    def fit_whole(name: str, watch: bool) -> None:
        def run(epochs_now: int):
            model, train_loader, val_loader, optimizer, criterion = pieces()
            return lambda: helpers.fit(model, train_loader, val_loader, epochs=epochs_now, optimizer=optimizer,
                                       criterion=criterion, device=device, amp=False, log_interval=None,
                                       progress=False, watch=watch)

        run(1)()  # Python's warm-up, on other objects: not counted
        counted = run(epochs)  # built before counting, as the hand loop's objects are
        control.cg_zero()
        counted()
        control.cg_dump(name.encode())

    hand("warm-up")  # Python specialises its bytecode on first runs: let that happen before counting
    control.cg_start()
    with contextlib.redirect_stdout(io.StringIO()):
        if whole:
            hand_whole(RUNNERS[0])
            fit_whole(RUNNERS[1], watch=False)
            fit_whole(RUNNERS[2], watch=True)
        else:
            hand(RUNNERS[0])
            fit(RUNNERS[1], watch=False)
            fit(RUNNERS[2], watch=True)


def read_dumps(folder: Path) -> dict[str, int]:
    """{runner: instructions} from callgrind's dump files ("desc: Trigger: Client Request: NAME", "summary: N")."""
    found = {}
    for path in sorted(folder.glob("callgrind.out.*")):
        name = total = None
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("desc: Trigger: Client Request: "):
                name = line.split(": ", 2)[2].removeprefix("Client Request: ")
            elif line.startswith("summary: "):
                total = int(line.split()[1])
        if name in RUNNERS and total is not None:
            found[name] = total
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", choices=("mlp", "digits"), default="mlp")
    parser.add_argument("--epochs", type=int, default=2, help="counted epochs per runner")
    parser.add_argument("--whole", action="store_true", help="count whole fresh runs of --epochs epochs")
    parser.add_argument("--inside", help=argparse.SUPPRESS)  # the run under valgrind: the library's path
    args = parser.parse_args()
    if args.inside:
        count(args.workload, args.epochs, Path(args.inside), whole=args.whole)
        return
    if shutil.which("valgrind") is None or shutil.which("cc") is None:
        sys.exit("needs valgrind and a C compiler (e.g. apt-get install valgrind gcc)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        library = build_control(folder)
        env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
        subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file="
                        f"{folder}/callgrind.out.%p", sys.executable, __file__, "--workload", args.workload,
                        "--epochs", str(args.epochs), "--inside", str(library), *(["--whole"] if args.whole else [])],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        counts = read_dumps(folder)
    missing = [name for name in RUNNERS if name not in counts]
    if missing:
        sys.exit(f"callgrind wrote no count for: {', '.join(missing)}")
    hand = counts[RUNNERS[0]] / args.epochs
    what = f"whole fresh runs of {args.epochs} epochs" if args.whole else f"{args.epochs} counted epochs per runner"
    print(f"{args.workload}: instructions per epoch, {what}, one thread\n"
          f"| loop | instructions per epoch | ratio to hand-written |\n|---|---:|---:|")
    for name in RUNNERS:
        per_epoch = counts[name] / args.epochs
        print(f"| {name} | {per_epoch:,.0f} | {per_epoch / hand:.4f} |")


if __name__ == "__main__":
    main()
