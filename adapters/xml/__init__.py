"""Customs message codecs (lxml) and the project's own XSDs. Arrives with issue #3."""
