"""Filing lifecycles for people: which workflow belongs to whom, starting them,
reading their status and acting on them through updates (the API's service)."""
