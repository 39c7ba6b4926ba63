"""Troopwatch: news reports of troop movements as structured, checkable records."""
