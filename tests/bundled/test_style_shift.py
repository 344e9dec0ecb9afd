"""The default run on the style set (datasets/ship_logs) lowers the validation loss by at least a third.

The base model's loss and the adapter's are measured the same way, on the same validation split (core's
loader and split of the run file) by lora-bundled-eval; the adapter's must also equal what the trainer reported.
"""
from bundled_test_support import EVAL, check, default_run, lora_runs

run, result = default_run("ship_logs")
base = lora_runs.evaluate(EVAL, "loss", run)
tuned = lora_runs.evaluate(EVAL, "loss", run, "--adapter", result["adapter"])
trainer = result["final"]["val_loss"]
print(f"validation split: {base['examples']} blocks, {base['tokens']} tokens; "
      f"loss base {base['loss']:.4f} -> adapter {tuned['loss']:.4f} (trainer: {trainer:.4f})")

check(base["tokens"] == tuned["tokens"] and base["tokens"] > 5000, "a validation split of real size")
check(abs(tuned["loss"] - trainer) <= 1e-4 * trainer, "the adapter's validation loss is the one the trainer reported")
check(tuned["loss"] <= base["loss"] * 2 / 3,
      f"validation loss down by at least a third ({1 - tuned['loss'] / base['loss']:.1%})")
# Not memorised noise: the training loss is not far below the validation loss.
check(result["final"]["train_loss"] > 0.7 * tuned["loss"],
      f"no overfitting: last training loss {result['final']['train_loss']:.4f} vs validation {tuned['loss']:.4f}")
