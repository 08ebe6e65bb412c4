"""The outside world: database (db/), customs XML (xml/), single-window file exchange (gateway/)."""
