#pragma once
// Run Again: a recorded run's settings put back into the window's pages — the model folder (opened unless it is
// the one loaded), the dataset and its options, the adapter's rank, alpha, dropout, rsLoRA/DoRA and targets
// (applied once the model is loaded), and the training settings — then the Train tab is shown, ready for Start.
#include "lora/run_store.h"

#include <QString>

class MainWindow;

// Returns what went wrong for the user (a config that cannot be read), or an empty string.
QString loadRunIntoWindow(MainWindow& window, const lora::RunRecord& run);
