import { LoadingState } from '~/components/States';

export default function Loading() {
  return <LoadingState label="Loading the figures" />;
}
