"""`python -m tools.site`: the same as `python -m tools.course site` (the website, issue 22)."""

import sys

from tools.site import main

sys.exit(main())
