// Binds the traversal source `g` that clients alias; the last expression must be a Map.
def globals = [:]
globals << [g : graph.traversal()]
