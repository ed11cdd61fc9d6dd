import type { Conversation } from '../api/types.ts';
import { Icon, type IconName } from '../components/Icon.tsx';

export const channelMeta: Record<Conversation['channel'], { label: string; icon: IconName }> = {
  email: { label: 'Email', icon: 'mail' },
  chat: { label: 'Chat', icon: 'chat' },
  widget: { label: 'Widget', icon: 'widget' },
};

export function ChannelBadge({ channel }: { channel: Conversation['channel'] }) {
  const meta = channelMeta[channel];
  return (
    <span className={`conv-channel-badge ${channel}`}>
      <Icon name={meta.icon} size={13} />
      {meta.label}
    </span>
  );
}
