"""The error of a file whose frontmatter cannot be used, kept apart from the parser so that the
reader and the field mapping can name it without importing YAML (frontmatter_reader.py)."""


class FrontmatterError(ValueError):
    """A file's frontmatter cannot be used; ``line`` and ``column`` count from 1 in the file."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def located(self, path: str) -> str:
        """The error as one ``path:line:column: message`` line, the form editors can jump to."""
        place = ":".join(str(part) for part in (path, self.line, self.column) if part is not None)
        return f"{place}: {self.message}"
