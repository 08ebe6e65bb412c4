"""Reports as files people download (报表): pure, from the ledger's answers."""
