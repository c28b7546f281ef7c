"""The batch-norm explorers show what the chapter claims."""
import numpy as np

from nnlab.widgets import batch_norm as bn


def test_plain_network_fails_at_large_rate_where_batch_norm_learns():
    _, plain = bn.bn_run(False, 3.0, 32)
    _, normed = bn.bn_run(True, 3.0, 32)
    assert plain.diverged or plain.epoch_costs[-1] > 0.6      # ln 2 = 0.69 is chance
    assert not normed.diverged and normed.epoch_costs[-1] < 0.3


def test_batch_norm_layer_inputs_have_mean_beta_and_std_gamma():
    # whatever the weights upstream, unit j's input to g over the batch has mean beta_j
    # and standard deviation gamma_j (up to the epsilon in the denominator)
    net, _ = bn.bn_run(True, 1.0, 32)
    X, _ = bn.moons()
    _, cache = net.forward(X, training=True, update_running=False)
    for l in range(1, net.L):
        Zn = cache[f"Zn{l}"]
        assert np.allclose(Zn.mean(axis=1, keepdims=True), net.params[f"beta{l}"], atol=1e-9)
        assert np.allclose(Zn.std(axis=1, keepdims=True), np.abs(net.params[f"gamma{l}"]),
                           rtol=1e-3, atol=1e-6)


def test_test_mode_with_true_statistics_equals_full_batch_forward():
    from nnlab.experiments import FitHistory
    net, _, _ = bn.noise_run(64)
    X, _ = bn.moons()
    full, cache = net.forward(X, training=True, update_running=False)
    exact = FitHistory(batch_mu={l: [cache[f"bn{l}"]["mu"]] for l in range(1, net.L)},
                       batch_var={l: [cache[f"bn{l}"]["var"]] for l in range(1, net.L)})
    # momentum 0: the running statistics are the (only) recorded ones = the full data's
    assert np.allclose(bn.test_mode_output(net, exact, 0.0), full, atol=1e-9)
    # one batch of all 256 examples is the full-batch forward
    assert np.allclose(bn.train_mode_output(net, 256), full)


def test_test_mode_output_restores_running_stats():
    net, hist, _ = bn.noise_run(64)
    before = {k: v.copy() for k, v in net.running.items()}
    bn.test_mode_output(net, hist, 0.5)
    assert all(np.array_equal(before[k], net.running[k]) for k in before)
