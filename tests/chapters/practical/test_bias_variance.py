"""Bias/variance widget: the errors and the diagnosis in the title match the run."""

import pytest

from nnlab.chapters.practical.bias_variance import EVERY, bias_variance_explorer, diagnose, errors


def test_tiny_network_has_high_bias_and_large_one_high_variance():
    tr1, dev1 = errors(1, 500)
    tr64, dev64 = errors(64, 500)
    assert tr1 > 0.2  # a width-1 net is nearly linear: far above 10 %
    assert tr64 < 0.1 and dev64 - tr64 > 0.1
    assert "high bias" in bias_variance_explorer.figure(width=1, iterations=500).axes[1].get_title()
    assert (
        "high variance"
        in bias_variance_explorer.figure(width=64, iterations=500).axes[1].get_title()
    )


def test_title_quotes_the_errors_at_the_chosen_checkpoint():
    title = bias_variance_explorer.figure(width=16, iterations=310).axes[1].get_title()
    tr, dev = errors(16, 300)  # 310 rounds down to the checkpoint at 300
    assert title.startswith(f"train {100 * tr:.1f}%, dev {100 * dev:.1f}%")
    assert EVERY == 25


def test_iterations_zero_is_the_untrained_network():
    tr, dev = errors(16, 0)
    assert 0.3 < tr < 0.7 and 0.3 < dev < 0.7


@pytest.mark.parametrize(
    "tr, dev, bayes, expected",
    [
        (0.01, 0.11, 0.0, "high variance"),
        (0.15, 0.16, 0.0, "high bias"),
        (0.15, 0.30, 0.0, "high bias and high variance"),
        (0.005, 0.01, 0.0, "low bias, low variance"),
        (0.11, 0.12, 0.10, "low bias, low variance"),  # near the Bayes error: no avoidable bias
    ],
)
def test_diagnose_follows_the_recipe(tr, dev, bayes, expected):
    assert diagnose(tr, dev, bayes) == expected


def test_diagnose_checks_its_arguments():
    with pytest.raises(ValueError, match="dev_error"):
        diagnose(0.1, 1.5)
