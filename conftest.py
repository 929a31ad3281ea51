"""Settings for the whole test run, notebooks included (pytest reads this before starting any kernel)."""

import os

# pytest-xdist runs one notebook per core; with torch's default of one thread per core in every kernel,
# the kernels fight over the cores and tiny training steps get many times slower. One thread each.
os.environ.setdefault("OMP_NUM_THREADS", "1")
