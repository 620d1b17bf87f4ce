import * as vscode from '../vscodeApi';
import type { Command } from './command';
import { COMMAND_IDS } from './ids';

/**
 * Pauses or resumes the flight recorder in every folder of the window. With recording off in the
 * settings, offers to turn it on for this workspace. Resolves to `recording`, `paused` or `off`.
 */
export const toggleRecording: Command = {
  id: COMMAND_IDS.toggleRecording,
  title: 'Pause or Resume Recording',
  async run(services) {
    const recording = services.recording;
    if (!recording.active) {
      const turnOn = 'Turn On Recording';
      const choice = await vscode.window.showInformationMessage(
        'Incident Replay: recording is off in this workspace (incidentReplay.recorder.enabled). Turn it on to journal file changes and terminal commands and take automatic snapshots?',
        turnOn,
      );
      if (choice !== turnOn) return 'off';
      await vscode.workspace.getConfiguration('incidentReplay').update('recorder.enabled', true, vscode.ConfigurationTarget.Workspace);
      return 'recording';
    }
    if (recording.isPaused) recording.resume();
    else recording.pause();
    return recording.isPaused ? 'paused' : 'recording';
  },
};
