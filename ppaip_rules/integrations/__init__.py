"""Optional bridges to other systems.

Each module here imports its third-party dependency lazily, when it is used,
never when ``ppaip_rules`` is imported: the core runs without any of them.

- :mod:`ppaip_rules.integrations.durable`: a `durable_rules
  <https://github.com/jruizgit/rules>`_ ruleset for event-driven provider
  systems (extra ``durable``).
"""
