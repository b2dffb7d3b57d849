"""``python -m gridpolicing`` is the ``gridpolicing`` command."""

from gridpolicing.cli.main import console_main

if __name__ == "__main__":
    console_main()
