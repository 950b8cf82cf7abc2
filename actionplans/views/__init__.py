"""Pages of the action plans, one module per subject. Each declares what it needs: a permission for the lists, an
object rule from ``actionplans.selectors`` for the rest; objects outside the user's scope give 404."""
