"""The console's drawings (图示), pure: a lot's trace as a graph, a lifecycle's path of
stages, a lot's balance over time; each an SVG string built from the data the pages
already read, with its words passed in translated."""
