"""The browser's Fetch model, pure: origins, safelists, CORS rules, the fetch() walk, profiles, messages."""
