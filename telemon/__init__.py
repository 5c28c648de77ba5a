"""telemon: telemedicine home monitoring across hospital, municipality and GP.

The app is made by telemon.app.create_app(); the `telemon` command is telemon.cli.
"""
