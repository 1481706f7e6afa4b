"""From a validated school to what its pages say: page context, generated pages, differences."""
