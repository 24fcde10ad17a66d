"""chat-emulator: stand-in Mattermost and Rocket.Chat servers for testing integrations."""

__version__ = "0.1.0"
