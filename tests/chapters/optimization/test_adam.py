"""The Adam chapter's widgets: the numbers and notes they draw are the right ones."""

from nnlab.chapters.optimization.adam import RACE_SURFACES, moons_explorer, race_explorer


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_race_shows_divergence_as_a_note_and_keeps_the_axes_on_the_surface():
    # on Rosenbrock GD blows up at α = 1 (curvature near the start is far above 2/α)
    fig = race_explorer.figure(surface="Rosenbrock", lr=1.0)
    assert any("GD diverged at step" in t for t in _texts(fig))
    ax = fig.axes[0]
    assert ax.get_xlim() == RACE_SURFACES["Rosenbrock"].bounds[0]


def test_race_draws_one_path_per_optimizer_without_notes_when_stable():
    fig = race_explorer.figure(surface="elongated quadratic", lr=0.1)
    labels = [l.get_label() for l in fig.axes[0].lines]
    assert all(n in labels for n in ("GD", "Momentum", "RMSprop", "Adam"))
    assert not _texts(fig)


def test_moons_titles_report_accuracies_that_are_percentages():
    fig = moons_explorer.figure()
    titles = [ax.get_title() for ax in fig.axes[1:]]
    assert len(titles) == 4
    for t in titles:
        pct = float(t.split(": ")[1].split("%")[0])
        assert 40 <= pct <= 100
    # the legend quotes the final cost of each run; Adam's is below GD's at the defaults
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    cost = {s.split(":")[0]: float(s.split("= ")[1]) for s in legend}
    assert cost["Adam"] < cost["GD"]
