"""What the management review may import of the project (read by the architecture test): it sits on top and reads
every app, through the apps' selectors."""

MAY_IMPORT = [
    "qms.core",
    "qms.notifications",
    "processes",
    "actionplans",
    "complaints",
    "surveys",
    "certifications",
]
