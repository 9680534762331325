"""Guides: pages of text a community shows its residents (the waste-sorting guide, notices), from the
``community_content`` hook, in the reader's language when the community has it."""
