"""Users, roles, login, API tokens, the who-does-what table and the scope rule."""
