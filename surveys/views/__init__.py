"""The surveys' pages: campaigns and rosters, questionnaires, results, and the public answer page."""
