import { notFound } from "next/navigation";

// Any address under a team that no page serves: the team's not-found page, inside its layout.
export default function MissingTeamPage(): never {
  notFound();
}
