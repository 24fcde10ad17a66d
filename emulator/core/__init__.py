"""Product-neutral runtime shared by the Mattermost and Rocket.Chat apps."""
