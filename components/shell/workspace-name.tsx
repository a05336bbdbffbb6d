'use client';

import { useState } from 'react';
import { useSocketEvent } from '@/hooks/use-socket-event';

/** The current workspace's name, kept live when any member renames it. */
export function WorkspaceName({ workspaceId, initialName }: { workspaceId: string; initialName: string }) {
  const [name, setName] = useState(initialName);
  useSocketEvent('workspace_updated', (payload) => {
    if (payload.workspaceId === workspaceId) setName(payload.name);
  });
  return (
    <span className="shell__workspace" data-testid="workspace-name">
      {name}
    </span>
  );
}
