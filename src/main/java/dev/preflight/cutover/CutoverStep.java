package dev.preflight.cutover;

import java.util.List;

/**
 * One step of the cutover: what it would do ({@code cutover plan}, {@code --dry-run}) and doing it.
 * {@link CutoverMachine} records the attempt around {@link #run}; a step only does its work.
 */
sealed interface CutoverStep permits PrepareStep, ExpandStep, PromoteStep, SwitchStep, StableWindow, FailbackStep,
        ContractStep {
    Step step();

    /** One line per action, nothing run. */
    List<String> actions();

    /**
     * Does the step once.
     *
     * @param started the payload of this attempt's {@code started} entry (expand keeps its snapshot there)
     */
    StepResult run(CutoverHistory h, CutoverEvidence.AttemptPayload started) throws Exception;
}
