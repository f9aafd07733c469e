"""`python -m livy_kernel` is the `livy-kernel` command."""
import sys

from livy_kernel.cli import main

sys.exit(main())
