"""What the process map may import of the project (read by the architecture test). Never ``actionplans``, not
even by a string model reference: a process reaches its actions through the registries of qms.core."""

MAY_IMPORT = ["qms.core", "qms.notifications"]
