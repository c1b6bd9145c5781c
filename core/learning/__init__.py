"""Learning from the labels staff give: labels as data, a linear model stored as data, and the
choice of which judgement (a client's model, the agency's, or the rules) scores a client's posts.

Plain Python over SQLAlchemy sessions; scikit-learn is needed only to fit (`core.learning.fit`),
never to score: a stored model is weights, read with numpy-free arithmetic.
"""
