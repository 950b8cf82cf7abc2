"""What qms.core may import of the project (read by the architecture test): nothing. Core is the bottom layer;
apps reach it, never the other way round: it learns of them through registries."""

MAY_IMPORT: list[str] = []
