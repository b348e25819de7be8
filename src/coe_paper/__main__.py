"""`python -m coe_paper`: the `coe-paper` command, for an environment whose scripts folder is not on the PATH."""

from coe_paper.resident import run

run()
