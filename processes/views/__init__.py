"""Pages of the process map, one module per subject. Each page declares what it needs: a permission for the lists,
an object rule from ``processes.permissions`` for the rest; objects outside the user's scope give 404."""
