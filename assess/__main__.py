"""Entry point for ``python -m assess`` and the ``assess`` console script."""

from assess.cli import main

if __name__ == "__main__":
    main()
