"""Read queries shared by the CLI listings and the desk; they never write."""
