pytest_plugins = ["scalingo_async.testing.pytest_plugin"]
