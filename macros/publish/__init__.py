"""Publishing versions of school sites on the pages branch."""
