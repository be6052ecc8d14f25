"""``python -m docxform``: the same as the ``docxform`` console script."""

from docxform.cli.main import main

if __name__ == "__main__":
    main()
