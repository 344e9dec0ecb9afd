"""The default run on the instruction set (datasets/moods) lifts exact match on held-out stories far above
the base model's, and lowers the validation loss by at least a third.

Exact match: greedy answers of core's generate() to datasets/moods/heldout.jsonl (300 sentences that are not in
the training file), cut at EOS or newline, against "output" (lora-bundled-eval exact-match). Guessing one of the
two answers scores about 50%, so the adapter must beat that clearly, not just learn the answer format.
"""
from bundled_test_support import EVAL, ROOT, check, default_run, lora_runs

HELDOUT = ROOT / "datasets" / "moods" / "heldout.jsonl"
MODEL = lora_runs.MODEL_DIR

run, result = default_run("moods")
base_loss = lora_runs.evaluate(EVAL, "loss", run)
tuned_loss = lora_runs.evaluate(EVAL, "loss", run, "--adapter", result["adapter"])
# The base model never stops early (it tells stories), so it is asked the first 100 only, to keep the test short.
base = lora_runs.evaluate(EVAL, "exact-match", MODEL, HELDOUT, "--limit", "100")
tuned = lora_runs.evaluate(EVAL, "exact-match", MODEL, HELDOUT, "--adapter", result["adapter"])
print(f"validation loss base {base_loss['loss']:.4f} -> adapter {tuned_loss['loss']:.4f}; exact match on held-out "
      f"stories: base {base['exact_match']:.1%} (first {base['rows']}) -> adapter {tuned['exact_match']:.1%} "
      f"(all {tuned['rows']})")
for a in tuned["answers"][:3]:
    print(f"  {a['input']!r}: {a['answer']!r} (expected {a['expected']!r})")
wrong = [a for a in tuned["answers"] if not a["match"]]
for a in wrong[:5]:
    print(f"  wrong: {a['input']!r}: {a['answer']!r} (expected {a['expected']!r})")

check(tuned["rows"] == 300, "every held-out story asked")
check(abs(tuned_loss["loss"] - result["final"]["val_loss"]) <= 1e-4 * result["final"]["val_loss"],
      "the adapter's validation loss is the one the trainer reported")
check(tuned_loss["loss"] <= base_loss["loss"] * 2 / 3, "validation loss down by at least a third")
check(base["exact_match"] <= 0.1, f"the base model does not do the task ({base['exact_match']:.1%})")
check(tuned["exact_match"] >= 0.9, f"the adapter does ({tuned['exact_match']:.1%}, guessing scores ~50%)")
