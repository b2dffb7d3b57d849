"""Built-in rule kinds, one module each; they register through the ``gridpolicing.rules`` group."""
