#pragma once
// Ctrl-C while lora-cli trains: the first asks the run (or sweep) to stop after its current step, keeping a
// checkpoint to resume from; a second ends the process at once.
namespace lora::cli {

void catchInterrupt();    // from now on Ctrl-C sets the request instead of ending the process
void releaseInterrupt();  // Ctrl-C ends the process again
bool interruptRequested();

}  // namespace lora::cli
