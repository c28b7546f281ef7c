"""The mini-batch explorer shows the right counts and flags a learning rate that fails."""
from nnlab.widgets.minibatch import EPOCHS, M, SIZES, minibatch_explorer, minibatch_figure


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_sizes_run_from_sgd_to_batch_gd():
    assert SIZES[0] == 1 and SIZES[-1] == M


def test_titles_quote_updates_per_epoch():
    for size in (1, 16, M):
        fig = minibatch_figure(mini_batch_size=size, lr=0.1)
        titles = " ".join(ax.get_title() for ax in fig.axes)
        assert f"{-(-M // size)} updates" in titles


def test_a_good_rate_has_no_note_and_a_huge_one_has():
    assert _texts(minibatch_figure(mini_batch_size=16, lr=0.3)) == []
    assert any("too large" in t for t in _texts(minibatch_figure(mini_batch_size=1, lr=10.0)))


def test_batch_gd_is_drawn_once_at_size_m():
    fig = minibatch_figure(mini_batch_size=M, lr=0.3)
    assert len(fig.axes[1].get_lines()) == 1
    assert len(minibatch_figure(mini_batch_size=16, lr=0.3).axes[1].get_lines()) == 2


def test_epoch_curves_start_together_before_training():
    # epoch 0 is the cost of the shared initial weights, then one point per epoch
    batch_line, run_line = minibatch_figure(mini_batch_size=16, lr=0.3).axes[1].get_lines()
    for line in (batch_line, run_line):
        assert list(line.get_xdata()) == list(range(EPOCHS + 1))
    assert batch_line.get_ydata()[0] == run_line.get_ydata()[0]
    assert run_line.get_ydata()[-1] < batch_line.get_ydata()[-1]


def test_defaults_render():
    assert minibatch_explorer.png()[:4] == b"\x89PNG"


def test_a_tiny_rate_is_not_called_too_large():
    texts = _texts(minibatch_figure(mini_batch_size=M, lr=0.01))
    assert not any("too large" in t for t in texts)
    assert any("barely moved" in t for t in texts)
