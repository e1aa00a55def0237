"""`python -m trainer` runs the same entry point as the `trainer` command."""

from trainer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
